"""TOTP sign-in step for the roles that need it, on django-otp's TOTP devices, with one-time
backup codes (django-otp's static tokens) for a phone that is not at hand."""

from __future__ import annotations

import base64

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations.backup_codes import backup_code_use, backup_codes_create, backup_codes_remaining
from organisations.forms import TokenForm
from organisations.signals_twofactor import two_factor_changed
from organisations.twofactor_forms import SecondStepForm


def _wrong_code() -> str:
    return _("That code is not valid. Check your app's clock and try again.")


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}):
        return candidate
    return "/"


def _show_codes(request: HttpRequest, codes: list[str], next_url: str) -> HttpResponse:
    """The codes are shown once, in the answer to the POST that made them: they are never
    stored where Earshot could show them again."""
    response = render(
        request, "registration/backup_codes_new.html", {"codes": codes, "next": next_url}
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():
        return redirect(_next_url(request))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return _set_up(request)
    form = SecondStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        if form.kind == "totp" and device.verify_token(token):
            otp_login(request, device)
            return redirect(_next_url(request))
        if form.kind == "backup":
            static = backup_code_use(user=request.user, code=token, request=request)
            if static is not None:
                otp_login(request, static)
                _announce_remaining(request)
                return redirect(_next_url(request))
            form.add_error("token", _("That backup code is not valid or has been used already."))
        else:
            form.add_error("token", _wrong_code())
    context = {"form": form, "setting_up": False, "next": _next_url(request)}
    return render(request, "registration/two_factor.html", context)


def _announce_remaining(request: HttpRequest) -> None:
    remaining = backup_codes_remaining(user=request.user)
    text = ngettext(
        "You signed in with a backup code; it cannot be used again. %(count)d backup code remains.",
        "You signed in with a backup code; it cannot be used again. %(count)d backup codes remain.",
        remaining,
    ) % {"count": remaining}
    if remaining <= 3:
        text += " " + _("Make a new set soon: Backup codes, at the top of the page.")
    messages.warning(request, text)


def _set_up(request: HttpRequest) -> HttpResponse:
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Authenticator"}
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                two_factor_changed.send(
                    type(request.user),
                    user=request.user,
                    request=request,
                    event="set_up",
                    remaining=0,
                )
                codes = backup_codes_create(user=request.user, request=request)
            otp_login(request, device)
            return _show_codes(request, codes, _next_url(request))
        form.add_error("token", _wrong_code())
    context = {
        "form": form,
        "setting_up": True,
        "next": _next_url(request),
        "qr_svg": _qr_svg(device.config_url),
        "secret": base64.b32encode(device.bin_key).decode(),
    }
    return render(request, "registration/two_factor.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def backup_codes(request: HttpRequest) -> HttpResponse:
    """How many backup codes are left, and a new set (which ends the old one) on request.

    Only a session that passed the second step may make codes: the password alone is not
    enough (this page is under /account/, which the two-factor middleware lets through)."""
    has_device = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    if has_device and not request.user.is_verified():
        return redirect(reverse("two_factor") + "?next=" + reverse("two_factor_backup_codes"))
    if request.method == "POST" and has_device:
        codes = backup_codes_create(user=request.user, request=request)
        return _show_codes(request, codes, reverse("home"))
    return render(
        request,
        "registration/backup_codes.html",
        {"has_device": has_device, "remaining": backup_codes_remaining(user=request.user)},
    )
