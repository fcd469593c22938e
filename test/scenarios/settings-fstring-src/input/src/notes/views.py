from django.http import HttpResponse

from .models import Note


def index(request):
    return HttpResponse("\n".join(n.text for n in Note.objects.order_by("id")), content_type="text/plain")


def add(request, text):
    note = Note.objects.create(text=text)
    return HttpResponse(str(note.pk), content_type="text/plain")
