from django.contrib import admin, messages

from backend.sync import operations
from backend.sync.models import Delivery, OutboxEvent


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    readonly_fields = ["target", "status", "attempts", "last_error", "next_attempt_at", "applied_at"]


class AppendOnly:
    """The outbox is an append-only log: the admin shows it and retries deliveries, never adds or
    deletes a row (that would lose or invent a change)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxEvent)
class OutboxEventAdmin(AppendOnly, admin.ModelAdmin):
    list_display = ["id", "event_type", "kind", "key", "version", "created_at"]
    list_filter = ["kind", "event_type"]
    search_fields = ["key"]
    readonly_fields = ["kind", "key", "version", "event_type", "payload", "created_at"]
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(AppendOnly, admin.ModelAdmin):
    list_display = ["id", "event", "target", "status", "attempts", "next_attempt_at", "applied_at", "last_error"]
    list_filter = ["status", "target"]
    list_select_related = ["event"]
    readonly_fields = [
        "event",
        "target",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "applied_at",
        "swept_at",
    ]
    actions = ["retry"]

    @admin.action(description="Retry the selected failed deliveries", permissions=["change"])
    def retry(self, request, queryset):
        count = operations.retry_failed(delivery_ids=list(queryset.values_list("id", flat=True)))
        self.message_user(request, f"{count} deliveries sent again.", messages.SUCCESS)
