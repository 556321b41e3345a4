"""Page-number pagination whose `page_size` is what the schema says: one integer, at least 1 (a larger
one than `max_page_size` is capped, as documented); anything else is a 400 field error, not a
silent default."""

from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw:
            return self.page_size
        if len(raw) > 1 or not raw[0].isascii() or not raw[0].isdigit() or int(raw[0]) < 1:
            raise ValidationError({self.page_size_query_param: ["One integer, at least 1."]})
        return min(int(raw[0]), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = f"Results per page; more than {self.max_page_size} is capped."
        return parameters
