"""The ingest API for recorders and PBXs: POST a call (audio + JSON metadata) with a token."""

from __future__ import annotations

import json
from pathlib import Path

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import authentication, exceptions, permissions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from recordings.constants import IngestChannel
from recordings.services import IngestRejected, recording_ingest
from recordings.tokens import ingest_token_authenticate


class IngestTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer es_…`; the token names its organisation."""

    keyword = "Bearer"

    def authenticate(self, request: Request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        if not header:
            return None
        parts = header.split()
        if len(parts) != 2 or parts[0] != self.keyword:
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


class IngestRequest(serializers.Serializer):
    audio = serializers.FileField(help_text="The call's audio: WAV, MP3, Ogg, FLAC or M4A.")
    metadata = serializers.CharField(
        help_text='JSON object: {"call_id", "started_at" (ISO 8601), "direction" '
        '(inbound/outbound/internal), optional "duration_seconds", "queue", '
        '"agent_id", "announcement", and the customer fields the organisation '
        'declares: "customer_phone", "customer_name", "customer_address", '
        '"customer_postcode", "customer_bsn", "customer_gender", '
        '"customer_date_of_birth"}'
    )


class RecordingIngestView(APIView):
    authentication_classes = [IngestTokenAuthentication]
    permission_classes = [HasIngestToken]
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="recordings_ingest",
        summary="Push one recorded call",
        request={"multipart/form-data": IngestRequest},
        responses={
            201: inline_serializer(
                "Ingested",
                {"id": serializers.UUIDField(), "purge_deadline": serializers.DateTimeField()},
            ),
            400: OpenApiResponse(description="Refused; nothing stored. Body: {code, detail}."),
            401: OpenApiResponse(description="Missing, unknown or revoked token."),
            409: OpenApiResponse(description="The call or its audio is already in Earshot."),
        },
    )
    def post(self, request: Request) -> Response:
        payload = IngestRequest(data=request.data)
        if not payload.is_valid():
            return Response(
                {"code": "request", "detail": payload.errors}, status=status.HTTP_400_BAD_REQUEST
            )
        try:
            metadata = json.loads(payload.validated_data["metadata"])
        except json.JSONDecodeError as exc:
            return Response(
                {"code": "metadata", "detail": f"metadata is not JSON: {exc}"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        upload = payload.validated_data["audio"]
        try:
            recording = recording_ingest(
                organisation=request.auth.organisation,
                source=Path(upload.temporary_file_path()),
                metadata=metadata,
                channel=IngestChannel.API,
            )
        except IngestRejected as exc:
            code = (
                status.HTTP_409_CONFLICT
                if exc.code.startswith("duplicate")
                else status.HTTP_400_BAD_REQUEST
            )
            return Response({"code": exc.code, "detail": exc.message}, status=code)
        return Response(
            {"id": str(recording.pk), "purge_deadline": recording.purge_deadline.isoformat()},
            status=status.HTTP_201_CREATED,
        )
