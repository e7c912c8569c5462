# syntax=docker/dockerfile:1
# The kubesync sidecar (and CLI: kubectl exec POD -c kubesync -- kubesync status). Build from the repository root:
#   docker build -f docker/sidecar.Dockerfile -t kubesync/sidecar:dev .
# Stage 1 compiles kubesync to one native executable (Native AOT) with the .NET SDK; stage 2 is the runtime-deps
# image (libc, OpenSSL, CA certificates; no .NET runtime, since the executable carries its own), chiseled: no shell, no
# package manager, a non-root user, nothing written to the image at run time.
ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Native AOT links with clang against zlib's headers.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends clang zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
# Compiled for one runtime: pass --build-arg RID=linux-arm64 for an arm64 image (built on an arm64 machine).
ARG RID=linux-x64
# Restore first, from the project files alone, so that a source change does not invalidate the restored packages.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/KubeSync.Contracts/KubeSync.Contracts.csproj src/KubeSync.Contracts/
COPY src/KubeSync.Engine/KubeSync.Engine.csproj src/KubeSync.Engine/
COPY src/KubeSync.Kubernetes/KubeSync.Kubernetes.csproj src/KubeSync.Kubernetes/
COPY src/KubeSync.Sidecar/KubeSync.Sidecar.csproj src/KubeSync.Sidecar/
RUN dotnet restore src/KubeSync.Sidecar/KubeSync.Sidecar.csproj -r ${RID}
COPY src/ src/
RUN dotnet publish src/KubeSync.Sidecar/KubeSync.Sidecar.csproj --no-restore -c Release -r ${RID} -o /app

FROM mcr.microsoft.com/dotnet/runtime-deps:${DOTNET_VERSION}-noble-chiseled AS runtime
WORKDIR /app
# The executable and SQLite's library, loaded from beside it; not the debug symbols (kubesync.dbg) nor the .pdb files.
COPY --from=build /app/kubesync /app/libe_sqlite3.so /app/
# The app user of the .NET images; Kubernetes may run it as another non-root UID (the chart uses 65532).
USER 1654
ENV PATH=/app:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
ENTRYPOINT ["/app/kubesync"]
CMD ["run"]
