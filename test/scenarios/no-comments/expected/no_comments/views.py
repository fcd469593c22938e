from django.http import HttpResponse

def home(request):
    return HttpResponse(
        "<!doctype html><title>no-comments</title>"
        "<h1>no-comments</h1><p>Django is running in a container.</p>"
    )
