from django.http import HttpResponse


def home(request):
    # A page at / so the first `docker compose up` shows something; replace it with your app.
    return HttpResponse(
        "<!doctype html><title>empty-sqlite</title>"
        "<h1>empty-sqlite</h1><p>Django is running in a container.</p>"
    )
