from django.http import HttpResponse


def home(request):
    # A page at / so the first `docker compose up` shows something; replace it with your app.
    return HttpResponse(
        "<!doctype html><title>custom-port-user</title>"
        "<h1>custom-port-user</h1><p>Django is running in a container.</p>"
    )
