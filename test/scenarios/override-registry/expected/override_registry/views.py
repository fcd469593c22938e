from django.http import HttpResponse


def home(request):
    # A page at / so the first `docker compose up` shows something; replace it with your app.
    return HttpResponse(
        "<!doctype html><title>override-registry</title>"
        "<h1>override-registry</h1><p>Django is running in a container.</p>"
    )
