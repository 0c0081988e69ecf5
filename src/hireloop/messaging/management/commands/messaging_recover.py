"""Re-enqueue deliveries lost with a dead worker, once, now. Every `hireloop worker` also runs this sweep
itself every WORKER_SWEEP_INTERVAL_SECONDS; this command is for operators who want it on demand."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Enqueue delivery again for due messages whose task was lost (older than MESSAGE_SENDING_LEASE_SECONDS)."

    def handle(self, *args, **options):
        from hireloop.messaging.services import requeue_stalled

        count = requeue_stalled()
        self.stdout.write(f"re-enqueued {count} message(s)")
