//! The provisioning loop: completes every cluster whose build deadline has passed, then sleeps
//! until the next deadline (at most `MAX_IDLE`), or until woken because a cluster was created.
//! Woken by `wake`; stops when `shutdown` is cancelled.

use std::sync::Arc;
use std::time::Duration;

use domain::{Clock, Store};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

const MAX_IDLE: Duration = Duration::from_millis(500);

/// Runs until `shutdown` is notified.
pub async fn run(
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    wake: Arc<Notify>,
    shutdown: CancellationToken,
) {
    loop {
        let now = clock.now();
        if let Err(e) = store.complete_provisioning(now).await {
            tracing::warn!(error = %e, "completing provisioning failed; will retry");
        }
        let wait = match store.next_provisioning().await {
            Ok(Some(next)) => (next - clock.now())
                .to_std()
                .unwrap_or(Duration::ZERO)
                .min(MAX_IDLE),
            _ => MAX_IDLE,
        };
        tokio::select! {
            () = tokio::time::sleep(wait.max(Duration::from_millis(5))) => {}
            () = wake.notified() => {}
            () = shutdown.cancelled() => return,
        }
    }
}
