from django.http import HttpResponse


def home(request):
    # A page at / so the first `docker compose up` shows something; replace it with your app.
    return HttpResponse(
        "<!doctype html><title>k8s-sqlite</title>"
        "<h1>k8s-sqlite</h1><p>Django is running in a container.</p>"
    )
