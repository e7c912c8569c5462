# syntax=docker/dockerfile:1
# The KubeSync operator. Build from the repository root:
#   docker build -f docker/operator.Dockerfile -t kubesync/operator:dev .
# Stage 1 publishes with the .NET SDK; stage 2 is the ASP.NET Core runtime (Kestrel serves /metrics, /healthz,
# /readyz), chiseled: no shell, no package manager, a non-root user, nothing written to the image at run time.
ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Restore first, from the project files alone, so that a source change does not invalidate the restored packages.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/KubeSync.Contracts/KubeSync.Contracts.csproj src/KubeSync.Contracts/
COPY src/KubeSync.Engine/KubeSync.Engine.csproj src/KubeSync.Engine/
COPY src/KubeSync.Kubernetes/KubeSync.Kubernetes.csproj src/KubeSync.Kubernetes/
COPY src/KubeSync.Operator/KubeSync.Operator.csproj src/KubeSync.Operator/
RUN dotnet restore src/KubeSync.Operator/KubeSync.Operator.csproj
COPY src/ src/
RUN dotnet publish src/KubeSync.Operator/KubeSync.Operator.csproj --no-restore -c Release -o /app -p:UseAppHost=true

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION}-noble-chiseled AS runtime
WORKDIR /app
COPY --from=build /app/ /app/
# The app user of the .NET images; Kubernetes may run it as another non-root UID (the chart uses 65532).
USER 1654
ENV PATH=/app:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
ENTRYPOINT ["/app/kubesync-operator"]
