"""The upload handler: every uploaded file streams into a temporary file (so the probe and the
hash read from disk), whatever its name.

Django names the temporary file after the upload's extension; an extension of a few hundred
characters (a hostile or broken client) makes that name too long for the file system, and any
POST, the anonymous sign-in included, answered 500. Here the temporary file gets at most a short
suffix, and the upload keeps the name it was sent with.
"""

from __future__ import annotations

import os
import re

from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler

# The extensions the temporary file's name carries over (".upload.wav"); others are left off.
_SAFE_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,15}")


def _temporary_name(name: str) -> str:
    _, extension = os.path.splitext(name or "")
    return "upload" + (extension if _SAFE_SUFFIX.fullmatch(extension) else "")


class SafeTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    def new_file(self, *args, **kwargs) -> None:
        super(TemporaryFileUploadHandler, self).new_file(*args, **kwargs)
        self.file = TemporaryUploadedFile(
            _temporary_name(self.file_name),
            self.content_type,
            0,
            self.charset,
            self.content_type_extra,
        )
        self.file.name = self.file_name  # what the client sent (Django keeps 255 characters)
