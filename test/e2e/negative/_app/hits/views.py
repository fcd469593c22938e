from django.http import HttpResponse

from .models import Visit


def count_visit(request):
    # Writes a row on every request, so a database that cannot be written shows at once.
    Visit.objects.create()
    return HttpResponse(f"visits: {Visit.objects.count()}\n", content_type="text/plain")
