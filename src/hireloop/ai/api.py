"""AI endpoints: resume parsing, application AI scores, job matches, semantic candidate search."""

from ninja import Router

from hireloop.ai import schemas
from hireloop.ai.parsing import ParseError, parse_resume
from hireloop.core.errors import ApiError
from hireloop.core.files import FileData, decode_file

router = Router(tags=["ai"])


class UnparseableResume(ApiError):
    status, name = 422, "Unprocessable Entity"


@router.post("/resumes/parse", response=schemas.ParsedResume)
def parse_resume_endpoint(request, payload: FileData):
    """Parse a resume file (PDF, DOCX, TXT, HTML, RTF) into structured fields; nothing is stored."""
    ctx = request.auth
    ctx.require("view_candidates")
    decoded = decode_file(payload, field="file")
    try:
        return parse_resume(decoded.content, decoded.file_name, decoded.mime_type)
    except ParseError as exc:
        raise UnparseableResume(exc.reason, reason=exc.code) from None
