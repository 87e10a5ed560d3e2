from django.core.management.base import BaseCommand, CommandError

from haicap.core.context import ActorContext, reset_actor, set_actor
from haicap.core.models import ApiPartner
from haicap.core.tokens import issue_token, revoke_token


class Command(BaseCommand):
    help = ("Print a fresh API token of a partner system (shown once; only its hash is kept). "
            "Run as `haicap api-token <partner>` (or `haicap api_token <partner>`).")

    def add_arguments(self, parser):
        parser.add_argument("partner", help="the partner's code, e.g. demo-partner")
        parser.add_argument("--revoke-others", action="store_true",
                            help="revoke the partner's earlier tokens")

    def handle(self, *args, partner, revoke_others, **options):
        found = ApiPartner.objects.filter(code=partner, is_active=True).first()
        if found is None:
            raise CommandError(f"No active API partner has the code {partner!r}.")
        actor = set_actor(ActorContext(actor_id=None, actor="haicap api-token"))
        try:
            if revoke_others:
                for row in found.tokens.filter(revoked_at__isnull=True):
                    revoke_token(row)
            _row, token = issue_token(found)
        finally:
            reset_actor(actor)
        self.stdout.write(token)
