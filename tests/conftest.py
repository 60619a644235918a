"""Fixtures for the tests in tests/: the loopback S3 server (see tests/s3.py)."""

from tests.s3 import moto_s3, s3_audio_storage

__all__ = ["moto_s3", "s3_audio_storage"]
