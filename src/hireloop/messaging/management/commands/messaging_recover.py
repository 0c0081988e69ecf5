"""Re-enqueue deliveries lost with a dead worker (e.g. killed -9 mid-run). Run periodically; safe to repeat."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Enqueue delivery again for due messages whose claim or task is older than MESSAGE_SENDING_LEASE_SECONDS."

    def handle(self, *args, **options):
        from hireloop.messaging.services import requeue_stalled

        count = requeue_stalled()
        self.stdout.write(f"re-enqueued {count} message(s)")
