from django.http import HttpResponse


def home(request):
    # A page at / so the first `docker compose up` shows something; replace it with your app.
    return HttpResponse(
        "<!doctype html><title>override-pip-index</title>"
        "<h1>override-pip-index</h1><p>Django is running in a container.</p>"
    )
