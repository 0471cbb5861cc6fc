"""How an attachment leaves the server, for the page and the API alike (both check
access first through notices.selectors)."""

from django.http import FileResponse

from notices.models import NoticeAttachment


def attachment_response(attachment: NoticeAttachment) -> FileResponse:
    """Images open in the page; other files download, under their original name, with
    the type found from their content (notices.attachments), never the browser's."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not attachment.is_image,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response
