from collections.abc import Sequence

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer, TokenRefreshSerializer
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from backend.accounts import selectors, services
from backend.accounts.serializers import (
    MeSerializer,
    PasswordChangeSerializer,
    RefreshTokenSerializer,
    RegisteredUserSerializer,
    RegisterSerializer,
    TokenPairSerializer,
)
from backend.core.schema import ERROR_RESPONSES, error
from backend.core.throttling import ScopedRateThrottle


class AuthThrottled:
    """Stricter rate (THROTTLE_AUTH) for the endpoints that take passwords."""

    throttle_classes: Sequence[type[BaseThrottle]] = [ScopedRateThrottle]
    throttle_scope = "auth"


class RegisterView(AuthThrottled, APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        request=RegisterSerializer,
        responses={201: RegisteredUserSerializer, **ERROR_RESPONSES, 409: error("The username is taken")},
    )
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.register_user(**serializer.validated_data)
        return Response(RegisteredUserSerializer(user).data, status=status.HTTP_201_CREATED)


@extend_schema(responses={200: TokenObtainPairSerializer, **ERROR_RESPONSES})
class TokenView(AuthThrottled, TokenObtainPairView):
    pass


@extend_schema(responses={200: TokenRefreshSerializer, **ERROR_RESPONSES})
class TokenRefresh(AuthThrottled, TokenRefreshView):
    pass


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MeSerializer, **ERROR_RESPONSES})
    def get(self, request):
        return Response(MeSerializer(selectors.active_user(request.user.id)).data)

    @extend_schema(request=MeSerializer, responses={200: MeSerializer, **ERROR_RESPONSES})
    def patch(self, request):
        serializer = MeSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.update_profile(request.user, **serializer.validated_data.get("profile", {}))
        return Response(MeSerializer(selectors.active_user(request.user.id)).data)


class LogoutView(AuthThrottled, APIView):
    """Revoke one refresh token: it can no longer be refreshed (access tokens live out their
    ACCESS_TOKEN_LIFETIME). Holding the token is the authority to revoke it."""

    permission_classes = [AllowAny]

    @extend_schema(request=RefreshTokenSerializer, responses={204: None, **ERROR_RESPONSES})
    def post(self, request):
        serializer = RefreshTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.revoke_refresh_token(serializer.validated_data["refresh"])
        except TokenError as error:
            raise InvalidToken(str(error)) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordView(AuthThrottled, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=PasswordChangeSerializer,
        responses={200: TokenPairSerializer, **ERROR_RESPONSES},
        description="Change the password (the current one and Django's validators are checked). Every "
        "refresh token of the account is revoked; the answer is a fresh token pair for this client.",
    )
    def post(self, request):
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.change_password(request.user, **serializer.validated_data)
        refresh = RefreshToken.for_user(request.user)
        return Response({"access": str(refresh.access_token), "refresh": str(refresh)})
