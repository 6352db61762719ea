# The rekg app: ingest into the configured database, then serve the Streamlit UI on port 8501.
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY graph graph
COPY ingest ingest
COPY qa qa
COPY ui ui
COPY data data
RUN pip install --no-cache-dir -e .
ENV REKG_DATA_DIR=/data STREAMLIT_BROWSER_GATHER_USAGE_STATS=false
EXPOSE 8501
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=5 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"
CMD ["sh", "-c", "rekg ingest && rekg ui --host 0.0.0.0 --port 8501"]
