"""Users are managed on the 用户 pages (which enforce the rules); the admin only lists them."""

from django.contrib import admin

from xinxi.accounts.models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["username", "full_name", "unit", "clearance", "is_active", "last_login"]
    search_fields = ["username", "full_name"]
    list_select_related = ["unit"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
