"""What recordings/ tells the apps above it, without importing them."""

from django.dispatch import Signal

# Sent once a recording's audio is stored and the row is ACTIVE: sender=Recording,
# recording=<Recording>. retention/ uses it to erase a call whose deadline falls before the
# next nightly purge.
recording_stored = Signal()
