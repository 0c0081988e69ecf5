"""Background work of applications."""

from django_tasks import task

from hireloop.applications.models import Attachment


@task(queue_name="ai")
def parse_cv(attachment_id: int) -> str:
    """Parse an application's CV into the candidate's resume profile (which then scores their applications)."""
    from hireloop.ai.services import ingest_resume

    attachment = Attachment.objects.select_related("company", "application__candidate").filter(pk=attachment_id).first()
    if attachment is None:
        return "missing"
    with attachment.file.open("rb") as fh:
        content = fh.read()
    profile = ingest_resume(
        company=attachment.company,
        candidate=attachment.application.candidate,
        content=content,
        file_name=attachment.orig_file_name,
        mime_type=attachment.mime_type,
    )
    return profile.status
