//! What the server exports at `/metrics`, through the Prometheus client
//! library: requests by route and status with their latency, refusals by the
//! rule broken, credentials refused, and sync bytes in and out. Served only
//! to loopback callers or with the configured metrics token.

use std::sync::Mutex;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteStatus {
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabel {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RuleLabel {
    rule: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Direction {
    direction: &'static str,
}

/// The server's metrics.
pub struct Metrics {
    registry: Mutex<Registry>,
    requests: Family<RouteStatus, Counter>,
    latency: Family<RouteLabel, Histogram>,
    refusals: Family<RuleLabel, Counter>,
    unauthorized: Counter,
    bytes: Family<Direction, Counter>,
    digests: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RouteStatus, Counter>::default();
        let latency = Family::<RouteLabel, Histogram>::new_with_constructor(|| {
            // 0.25 ms to about 8 s.
            Histogram::new(exponential_buckets(0.000_25, 2.0, 16))
        });
        let refusals = Family::<RuleLabel, Counter>::default();
        let unauthorized = Counter::default();
        let bytes = Family::<Direction, Counter>::default();
        let digests = Counter::default();
        registry.register("lianjian_http_requests", "Requests served, by route and status", requests.clone());
        registry.register("lianjian_http_request_duration_seconds", "Time to answer, by route", latency.clone());
        registry.register("lianjian_refusals", "Incoming changes refused, by the rule broken", refusals.clone());
        registry.register(
            "lianjian_unauthorized",
            "Requests refused for missing or bad credentials",
            unauthorized.clone(),
        );
        registry.register("lianjian_sync_bytes", "Request and response body bytes of sync and blobs", bytes.clone());
        registry.register(
            "lianjian_digests_computed",
            "Users' server-side digests computed (the rest served from cache)",
            digests.clone(),
        );
        Metrics { registry: Mutex::new(registry), requests, latency, refusals, unauthorized, bytes, digests }
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Metrics {
    /// One request answered.
    pub fn answered(&self, route: &str, status: u16, seconds: f64) {
        self.requests.get_or_create(&RouteStatus { route: route.into(), status }).inc();
        self.latency.get_or_create(&RouteLabel { route: route.into() }).observe(seconds);
    }

    /// One document's changes refused under `rule` (its code).
    pub fn refused(&self, rule: &str) {
        self.refusals.get_or_create(&RuleLabel { rule: rule.into() }).inc();
    }

    /// One request refused for its credentials.
    pub fn unauthorized(&self) {
        self.unauthorized.inc();
    }

    /// One user's digest computed afresh.
    pub fn digest_computed(&self) {
        self.digests.inc();
    }

    /// Body bytes received.
    pub fn bytes_in(&self, n: u64) {
        self.bytes.get_or_create(&Direction { direction: "in" }).inc_by(n);
    }

    /// Body bytes sent.
    pub fn bytes_out(&self, n: u64) {
        self.bytes.get_or_create(&Direction { direction: "out" }).inc_by(n);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let registry = self.registry.lock().unwrap_or_else(|p| p.into_inner());
        prometheus_client::encoding::text::encode(&mut out, &registry).expect("writing to a String");
        out
    }
}
