//! The pages' static files, compiled into the binary: htmx and ECharts from
//! their npm packages (with their licences, `static/vendor/`) and the
//! office's stylesheet. A name that is not in this list is not found;
//! nothing is read from the file system, so no path can reach outside.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

const FILES: &[(&str, &str, &[u8])] = &[
    ("office.css", "text/css; charset=utf-8", include_bytes!("../../static/office.css")),
    ("office.js", "text/javascript; charset=utf-8", include_bytes!("../../static/office.js")),
    ("stats.js", "text/javascript; charset=utf-8", include_bytes!("../../static/stats.js")),
    (
        "vendor/htmx-2.0.11.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/vendor/htmx-2.0.11.min.js"),
    ),
    (
        "vendor/echarts-6.1.0.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/vendor/echarts-6.1.0.min.js"),
    ),
    ("vendor/LICENSE-htmx", "text/plain; charset=utf-8", include_bytes!("../../static/vendor/LICENSE-htmx")),
    ("vendor/LICENSE-echarts", "text/plain; charset=utf-8", include_bytes!("../../static/vendor/LICENSE-echarts")),
];

/// `GET /static/{path}`.
pub async fn serve(Path(path): Path<String>) -> Response {
    match FILES.iter().find(|(name, _, _)| *name == path) {
        Some((_, mime, bytes)) => {
            ([(header::CONTENT_TYPE, *mime), (header::CACHE_CONTROL, "public, max-age=86400")], *bytes).into_response()
        }
        None => (StatusCode::NOT_FOUND, "未找到").into_response(),
    }
}
