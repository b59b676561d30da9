//! A webhook receiver on loopback that records every delivery and answers as told: fail the
//! first N attempts of each event, fail always, or take everything.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;

#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: String,
    pub timestamp: String,
    pub signature: String,
    pub body: String,
    /// What the receiver answered.
    pub status: u16,
}

#[derive(Clone, Copy)]
pub enum Behaviour {
    Take,
    FailFirst(usize),
    FailAlways,
}

#[derive(Clone)]
struct Shared {
    behaviour: Behaviour,
    seen: Arc<Mutex<Vec<Delivery>>>,
}

pub struct Receiver {
    pub url: String,
    seen: Arc<Mutex<Vec<Delivery>>>,
}

impl Receiver {
    pub async fn start(behaviour: Behaviour) -> Self {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new()
            .route("/hook", post(receive))
            .with_state(Shared {
                behaviour,
                seen: seen.clone(),
            });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, seen }
    }

    /// Every attempt, in arrival order.
    pub fn attempts(&self) -> Vec<Delivery> {
        self.seen.lock().unwrap().clone()
    }

    /// The deliveries it took (answered 2xx).
    pub fn taken(&self) -> Vec<Delivery> {
        self.attempts()
            .into_iter()
            .filter(|d| d.status == 200)
            .collect()
    }

    /// How many times it took each event id.
    pub fn taken_per_id(&self) -> HashMap<String, usize> {
        let mut n = HashMap::new();
        for d in self.taken() {
            *n.entry(d.id).or_default() += 1;
        }
        n
    }
}

async fn receive(State(s): State<Shared>, headers: HeaderMap, body: String) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let id = header("svix-id");
    let mut seen = s.seen.lock().unwrap();
    let earlier = seen.iter().filter(|d| d.id == id).count();
    let status = match s.behaviour {
        Behaviour::Take => 200,
        Behaviour::FailFirst(n) if earlier < n => 500,
        Behaviour::FailFirst(_) => 200,
        Behaviour::FailAlways => 503,
    };
    seen.push(Delivery {
        id,
        timestamp: header("svix-timestamp"),
        signature: header("svix-signature"),
        body,
        status,
    });
    StatusCode::from_u16(status).unwrap()
}
