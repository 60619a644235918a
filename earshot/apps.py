from django.apps import AppConfig


class EarshotConfig(AppConfig):
    name = "earshot"

    def ready(self) -> None:
        from earshot import checks  # noqa: F401  (registers the deploy checks)
