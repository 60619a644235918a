"""The ingest API for recorders and PBXs: POST a call (audio + JSON metadata) with a token.

Every refusal is a JSON body `{code, detail}` with a 4xx status and nothing stored; the
serializers below also describe the request and the metadata object in the OpenAPI schema.
"""

from __future__ import annotations

import logging
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension
from drf_spectacular.utils import (
    OpenApiRequest,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import authentication, exceptions, permissions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from recordings.constants import Direction, IngestChannel
from recordings.keystore import KeyUnavailable
from recordings.metadata import (
    DIRECTION_ALIASES,
    MAX_CALL_SECONDS,
    START_READINGS,
    RecordingMetadataForm,
)
from recordings.services import (
    METADATA_MAX_BYTES,
    IngestRejected,
    ingest_unavailable_message,
    recording_ingest,
    recording_metadata_parse,
)
from recordings.tokens import ingest_token_authenticate

logger = logging.getLogger(__name__)


class IngestTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer es_…`; the token names its organisation. The scheme is
    case-insensitive (RFC 9110, section 11.1): `bearer` and `BEARER` work too."""

    keyword = "Bearer"

    def authenticate(self, request: Request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        if not header:
            return None
        parts = header.split()
        if len(parts) != 2 or parts[0].lower() != self.keyword.lower():
            raise exceptions.AuthenticationFailed("Use: Authorization: Bearer <token>.")
        token = ingest_token_authenticate(raw=parts[1])
        if token is None:
            raise exceptions.AuthenticationFailed("Unknown or revoked token.")
        return (None, token)

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class IngestTokenScheme(OpenApiAuthenticationExtension):
    target_class = IngestTokenAuthentication
    name = "ingestToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A per-organisation ingest token (manage.py create_ingest_token).",
        }


class HasIngestToken(permissions.BasePermission):
    def has_permission(self, request: Request, view) -> bool:
        return request.auth is not None


def _max_length(name: str) -> int:
    return RecordingMetadataForm.base_fields[name].max_length


def _text(name: str, help_text: str, *, required: bool = False) -> serializers.CharField:
    return serializers.CharField(
        max_length=_max_length(name),
        required=required,
        allow_null=not required,
        help_text=help_text,
    )


@extend_schema_serializer(component_name="RecordingMetadata")
class RecordingMetadataSchema(serializers.Serializer):
    """The metadata object, as documented. Validation is RecordingMetadataForm's (a test
    keeps the two in step)."""

    call_id = _text(
        "call_id", "The PBX's id of the call; unique among the live calls.", required=True
    )
    started_at = serializers.DateTimeField(
        help_text="ISO 8601. With an offset (`Z`, `+01:00`) it is that instant. Without one it "
        "is the organisation's local time (Europe/Amsterdam): a time in the hour repeated when "
        "the clocks go back is read as the earlier instant, a time in the hour skipped when "
        "they go forward with the winter offset (02:30 becomes 03:30 summer time); send an "
        "offset to avoid both."
    )
    direction = serializers.ChoiceField(
        choices=[*Direction.values, *DIRECTION_ALIASES],
        help_text="`in` and `out` are accepted for inbound and outbound; any case.",
    )
    duration_seconds = serializers.FloatField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=MAX_CALL_SECONDS,
        help_text="A JSON number; without it, the audio's own length.",
    )
    queue = _text("queue", "Queue or line the call came in on.")
    agent_id = _text("agent_id", "The PBX agent id of the employee on the call.")
    announcement = _text(
        "announcement", "Identifier or version of the announcement that told the caller."
    )
    customer_phone = _text("customer_phone", "Becomes E.164. Only if the register declares it.")
    customer_name = _text("customer_name", "Only if the register declares it.")
    customer_number = _text(
        "customer_number",
        "The organisation's own number for the customer. Only if the register declares it.",
    )
    customer_address = _text("customer_address", "Only if the register declares it.")
    customer_postcode = _text("customer_postcode", "A Dutch postcode. Only if declared.")
    customer_bsn = _text("customer_bsn", "Must pass the elfproef. Only if declared.")
    customer_gender = _text("customer_gender", "Only if the register declares it.")
    customer_date_of_birth = serializers.DateField(
        required=False, allow_null=True, help_text="YYYY-MM-DD. Only if declared."
    )


class RecordingMetadataSchemaExtension(OpenApiSerializerExtension):
    """Unknown fields are refused, so the schema says so (additionalProperties: false)."""

    target_class = RecordingMetadataSchema

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        schema["additionalProperties"] = False
        schema["description"] = (
            "One call's metadata. Every value must have its JSON type (text as a string, "
            "numbers as numbers, never true/false); null is the same as leaving a field out; "
            "unknown fields are refused. Sent as JSON text in the multipart field `metadata`."
        )
        return schema


@extend_schema_field({"type": "string", "format": "binary"})
class AudioFileField(serializers.FileField):
    pass


class MetadataPartField(serializers.Field):
    """The metadata part: JSON text, as a plain field or as a file part (a client that sends
    the part with a file name, as some generated clients do for application/json)."""

    default_error_messages = {"invalid": "Send the metadata as JSON text."}

    def to_internal_value(self, data):
        if isinstance(data, UploadedFile):
            # One byte over the limit is enough for recording_metadata_parse to refuse it.
            return data.read(METADATA_MAX_BYTES + 1)
        if isinstance(data, str):
            return data
        self.fail("invalid")


class IngestRequest(serializers.Serializer):
    """What the view reads from the multipart body."""

    audio = AudioFileField()
    metadata = MetadataPartField()


@extend_schema_serializer(component_name="RecordingIngestRequest")
class IngestRequestSchema(serializers.Serializer):
    audio = AudioFileField(
        help_text="The call's audio: WAV (PCM, mu-law, A-law, GSM), MP3, Ogg Vorbis/Opus, "
        "FLAC or M4A/AAC."
    )
    metadata = RecordingMetadataSchema()


@extend_schema_serializer(component_name="IngestWarning")
class WarningSchema(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()


@extend_schema_serializer(component_name="RecordingIngested")
class IngestedSchema(serializers.Serializer):
    id = serializers.UUIDField()
    started_at = serializers.DateTimeField(help_text="The instant Earshot read, with offset.")
    purge_deadline = serializers.DateTimeField()
    warnings = WarningSchema(
        many=True, help_text="How a local start in a daylight-saving hour was read, if it was."
    )


@extend_schema_serializer(component_name="Refusal")
class RefusalSchema(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()


def _refusal(code: str, detail: str, status_code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    return Response({"code": code, "detail": detail}, status=status_code)


def _errors_text(errors: dict) -> str:
    return " ".join(
        f"{field}: {' '.join(map(str, messages))}" for field, messages in errors.items()
    )


class RecordingIngestView(APIView):
    authentication_classes = [IngestTokenAuthentication]
    permission_classes = [HasIngestToken]
    parser_classes = [MultiPartParser]

    def handle_exception(self, exc: Exception) -> Response:
        # Django raises these while it parses the body, before any of our code sees it; left
        # alone they become its HTML error page.
        if isinstance(exc, RequestDataTooBig):
            return _refusal(
                "too_large",
                _("The metadata (or another form field) is larger than this server accepts."),
            )
        if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
            return _refusal("request", _("The request has too many fields or files."))
        response = super().handle_exception(exc)
        if isinstance(exc, exceptions.APIException) and isinstance(response.data, dict):
            detail = response.data.get("detail", "")
            response.data = {
                "code": str(getattr(detail, "code", exc.default_code)),
                "detail": str(detail),
            }
        return response

    @extend_schema(
        operation_id="recordings_ingest",
        summary="Push one recorded call",
        request={
            "multipart/form-data": OpenApiRequest(
                request=IngestRequestSchema,
                encoding={
                    "metadata": {"contentType": "application/json"},
                    "audio": {"contentType": "audio/*, application/octet-stream"},
                },
            )
        },
        responses={
            201: IngestedSchema,
            400: OpenApiResponse(RefusalSchema, description="Refused; nothing stored."),
            401: OpenApiResponse(RefusalSchema, description="Missing, unknown or revoked token."),
            409: OpenApiResponse(
                RefusalSchema,
                description="The call or its audio is already in Earshot "
                "(duplicate_call, duplicate_audio), or the audio changed while it was stored "
                "(changed_while_reading: send it again).",
            ),
            503: OpenApiResponse(
                RefusalSchema,
                description="Earshot cannot store calls now (key store or storage); nothing "
                "was stored, send it again later (Retry-After).",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        payload = IngestRequest(data=request.data)
        if not payload.is_valid():
            return _refusal("request", _errors_text(payload.errors))
        upload = payload.validated_data["audio"]
        try:
            metadata = recording_metadata_parse(raw=payload.validated_data["metadata"])
            recording = recording_ingest(
                organisation=request.auth.organisation,
                source=Path(upload.temporary_file_path()),
                metadata=metadata,
                channel=IngestChannel.API,
            )
        except IngestRejected as exc:
            code = (
                status.HTTP_409_CONFLICT
                if exc.code.startswith("duplicate") or exc.code == "changed_while_reading"
                else status.HTTP_400_BAD_REQUEST
            )
            return _refusal(exc.code, exc.message, code)
        except (KeyUnavailable, OSError):
            # Not the call's fault: the recorder keeps it and sends it again.
            logger.exception("Ingest API: could not store a call")
            response = _refusal(
                "unavailable", ingest_unavailable_message(), status.HTTP_503_SERVICE_UNAVAILABLE
            )
            response["Retry-After"] = "60"
            return response
        zone = ZoneInfo(request.auth.organisation.timezone)
        reading = getattr(recording, "started_at_reading", "")
        warnings = [{"code": reading, "detail": str(START_READINGS[reading])}] if reading else []
        return Response(
            {
                "id": str(recording.pk),
                "started_at": recording.started_at.astimezone(zone).isoformat(),
                "purge_deadline": recording.purge_deadline.isoformat(),
                "warnings": warnings,
            },
            status=status.HTTP_201_CREATED,
        )
