# Multi-stage build: the UI, then the Go binary, then a small runtime image.
FROM node:20-bookworm-slim AS ui
WORKDIR /src/ui
COPY ui/package.json ui/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY ui/ ./
RUN npm run build

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=ui /src/ui/dist ./ui/dist
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /roster .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /roster /roster
VOLUME ["/data"]
EXPOSE 8090
ENV ROSTER_DATA_DIR=/data
ENTRYPOINT ["/roster"]
CMD ["serve", "--http", "0.0.0.0:8090"]
