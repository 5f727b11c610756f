//! HTTP integration tests: a real server on port 0 with its own data dir per test, driven by a
//! signed client and a raw request builder for tampered or malformed requests.

mod admin;
mod auth;
mod clusters;
mod helpers;
mod keystone;
mod list_images;
mod openapi;
mod replicas;
mod upgrade;
