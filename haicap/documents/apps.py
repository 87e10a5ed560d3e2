from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class DocumentsConfig(AppConfig):
    name = "haicap.documents"
    label = "documents"
    # "Documents" alone heads a dossier's list of documents (thành phần hồ sơ).
    verbose_name = pgettext_lazy("app name", "Documents")

    def ready(self) -> None:
        from haicap.documents import checks  # noqa: F401  (registers the deploy check)
