"""Signals of two-factor sign-in, for the audit trail (a higher app) to record.

Sent inside the transaction of the change, like organisations.signals.
"""

from django.dispatch import Signal

# sender=User model; kwargs: user, request (or None), event ("set_up", "backup_codes_generated"
# or "backup_code_used"), remaining (backup codes left after the event).
two_factor_changed = Signal()
# sender=TwoFactorReset; kwargs: reset, actor (None when the step of another organisation
# completed it), event ("requested", "approved", "denied" or "device_removed").
two_factor_reset_changed = Signal()
