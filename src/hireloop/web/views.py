from django.shortcuts import render


def home(request):
    """Landing page: where the API, its docs and the back office live."""
    return render(request, "web/home.html")
