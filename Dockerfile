# Backend + built frontend in one image. Used by docker-compose.yml (scaled mode).
FROM node:20-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 COUNTERWATCH_VAR_DIR=/var/lib/counterwatch
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core fonts-liberation2 libgl1 curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
COPY --from=frontend /src/frontend/dist /app/frontend/dist
RUN mkdir -p /var/lib/counterwatch && useradd --system --home /app counterwatch \
    && chown -R counterwatch /var/lib/counterwatch
USER counterwatch
EXPOSE 8000
CMD ["uvicorn", "backend.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--lifespan", "off", "--ws", "websockets", "--ws-per-message-deflate", "false", "--no-proxy-headers", "--workers", "2"]
