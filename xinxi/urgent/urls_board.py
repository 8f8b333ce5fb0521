"""The duty board (值班) and the phone-report form."""

from django.urls import URLPattern, path

from xinxi.urgent import views_board

urlpatterns: list[URLPattern] = [
    path("", views_board.board_page, name="board"),
    path("board/data/", views_board.board_data, name="board_data"),
    path("phone/", views_board.phone_report, name="phone_report"),
]
