from django.http import HttpResponse

from .models import Note
from .tasks import add_note


def index(request):
    return HttpResponse("\n".join(n.text for n in Note.objects.order_by("id")), content_type="text/plain")


def add(request, text):
    note = Note.objects.create(text=text)
    return HttpResponse(str(note.pk), content_type="text/plain")


def add_later(request, text):
    # A worker writes the row; the response only says the task was queued.
    result = add_note.delay(text)
    return HttpResponse(result.id, content_type="text/plain", status=202)
