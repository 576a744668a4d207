//! The solver: penalised logistic regression by damped Newton steps, with sign constraints by an
//! active set.

use super::FitConfig;
use crate::error::{Error, Result};

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Solves `a x = b` for symmetric positive definite `a` (Cholesky); `None` if it is not.
fn solve_spd(a: &[Vec<f64>], b: &[f64]) -> Option<Vec<f64>> {
    let n = b.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = a[i][j] - (0..j).map(|k| l[i][k] * l[j][k]).sum::<f64>();
            if i == j {
                if s <= 0.0 {
                    return None;
                }
                l[i][j] = s.sqrt();
            } else {
                l[i][j] = s / l[j][j];
            }
        }
    }
    let mut y = vec![0.0; n];
    for i in 0..n {
        y[i] = (b[i] - (0..i).map(|k| l[i][k] * y[k]).sum::<f64>()) / l[i][i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        x[i] = (y[i] - (i + 1..n).map(|k| l[k][i] * x[k]).sum::<f64>()) / l[i][i];
    }
    Some(x)
}

/// The intercept's own tiny penalty (keeps the Hessian positive definite when a column is
/// constant).
const INTERCEPT_RIDGE: f64 = 1e-6;

/// Penalised log-loss, its gradient and its Hessian (lower triangle mirrored) at `beta`.
fn loss_grad_hess(rows: &[(Vec<f64>, f64, f64)], beta: &[f64], lambda: f64) -> (Vec<f64>, Vec<Vec<f64>>) {
    let p = beta.len();
    let mut grad = vec![0.0; p];
    let mut hess = vec![vec![0.0; p]; p];
    for (x, y, w) in rows {
        let z: f64 = x.iter().zip(beta).map(|(a, b)| a * b).sum();
        let pr = sigmoid(z);
        let g = w * (pr - y);
        let h = w * (pr * (1.0 - pr)).max(1e-9);
        for i in 0..p {
            if x[i] == 0.0 {
                continue;
            }
            grad[i] += g * x[i];
            for j in 0..=i {
                hess[i][j] += h * x[i] * x[j];
            }
        }
    }
    for i in 0..p {
        let (upper, lower) = hess.split_at_mut(i);
        for (j, row) in upper.iter_mut().enumerate() {
            row[i] = lower[0][j];
        }
    }
    for i in 1..p {
        grad[i] += lambda * beta[i];
        hess[i][i] += lambda;
    }
    hess[0][0] += INTERCEPT_RIDGE;
    (grad, hess)
}

/// The penalised log-loss at `beta` (the objective whose gradient and Hessian
/// [`loss_grad_hess`] gives).
fn penalised_loss(rows: &[(Vec<f64>, f64, f64)], beta: &[f64], lambda: f64) -> f64 {
    let mut loss = 0.0;
    for (x, y, w) in rows {
        let z: f64 = x.iter().zip(beta).map(|(a, b)| a * b).sum();
        // log(1 + e^z) - y z, computed without overflow.
        let softplus = if z > 0.0 { z + (-z).exp().ln_1p() } else { z.exp().ln_1p() };
        loss += w * (softplus - y * z);
    }
    let ridge: f64 = beta.iter().skip(1).map(|b| b * b).sum();
    loss + 0.5 * lambda * ridge + 0.5 * INTERCEPT_RIDGE * beta[0] * beta[0]
}

/// Step halvings Newton's method tries before it gives up on a step that does not lower the loss.
const MAX_HALVINGS: usize = 40;

/// Newton's method with the columns in `fixed` held at zero, from `beta`. A step that would
/// raise the loss is halved until it lowers it (a full Newton step overshoots where the loss is
/// far from quadratic, and then diverges). An error when it does not converge in
/// [`FitConfig::max_iter`] steps, rather than weights that do not minimise anything.
fn newton(rows: &[(Vec<f64>, f64, f64)], fixed: &[bool], beta: &mut [f64], cfg: &FitConfig) -> Result<()> {
    let p = beta.len();
    let mut loss = penalised_loss(rows, beta, cfg.l2);
    for _ in 0..cfg.max_iter {
        let (mut grad, mut hess) = loss_grad_hess(rows, beta, cfg.l2);
        for c in (0..p).filter(|&c| fixed[c]) {
            hess[c].fill(0.0);
            for row in hess.iter_mut() {
                row[c] = 0.0;
            }
            hess[c][c] = 1.0;
            grad[c] = 0.0;
        }
        let Some(step) = solve_spd(&hess, &grad) else {
            return Err(Error::Config("fit did not converge (singular Hessian)".into()));
        };
        let mut scale = 1.0;
        let mut next: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b - s).collect();
        let mut next_loss = penalised_loss(rows, &next, cfg.l2);
        for _ in 0..MAX_HALVINGS {
            if next_loss <= loss {
                break;
            }
            scale *= 0.5;
            next = beta.iter().zip(&step).map(|(b, s)| b - scale * s).collect();
            next_loss = penalised_loss(rows, &next, cfg.l2);
        }
        if next_loss.is_nan() || next_loss > loss {
            // No step along the Newton direction lowers the loss (or the loss is not a
            // number there): at its minimum within rounding.
            return Ok(());
        }
        let max_step = step.iter().fold(0.0f64, |m, s| m.max((scale * s).abs()));
        beta.copy_from_slice(&next);
        loss = next_loss;
        if max_step < 1e-8 {
            return Ok(());
        }
    }
    Err(Error::Config(format!("fit did not converge in {} Newton steps", cfg.max_iter)))
}

/// Weights minimising the penalised log-loss with `constrained` columns at zero or above: an
/// active-set method. Fit the free columns; while a constrained weight is negative, hold the most
/// negative at zero and refit; then release a held column whose gradient says it wants to grow,
/// one at a time. Deterministic (ties go to the lower column) and bounded.
pub(super) fn fit_constrained(
    rows: &[(Vec<f64>, f64, f64)],
    constrained: &[bool],
    cfg: &FitConfig,
) -> Result<Vec<f64>> {
    let p = constrained.len();
    let mut beta = vec![0.0; p];
    let mut fixed = vec![false; p];
    for _ in 0..4 * p + 4 {
        newton(rows, &fixed, &mut beta, cfg)?;
        let worst = (0..p)
            .filter(|&c| constrained[c] && !fixed[c] && beta[c] < -1e-9)
            .min_by(|&a, &b| beta[a].total_cmp(&beta[b]).then(a.cmp(&b)));
        if let Some(c) = worst {
            fixed[c] = true;
            beta[c] = 0.0;
            continue;
        }
        let (grad, _) = loss_grad_hess(rows, &beta, cfg.l2);
        let release = (0..p)
            .filter(|&c| fixed[c] && grad[c] < -1e-6)
            .min_by(|&a, &b| grad[a].total_cmp(&grad[b]).then(a.cmp(&b)));
        match release {
            Some(c) => fixed[c] = false,
            None => break,
        }
    }
    for c in 0..p {
        if constrained[c] && beta[c] < 0.0 {
            beta[c] = 0.0;
        }
    }
    Ok(beta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newton_halves_steps_that_overshoot() {
        // Two opposite labels on one column: the minimum is at 0. From 20 the loss is nearly
        // flat, so a full Newton step lands around -2.5e8 (and the undamped method never came
        // back); halved steps reach the minimum.
        let rows = vec![(vec![1.0], 1.0, 1.0), (vec![1.0], 0.0, 1.0)];
        let cfg = FitConfig { l2: 0.0, ..FitConfig::default() };
        let mut beta = vec![20.0];
        newton(&rows, &[false], &mut beta, &cfg).unwrap();
        assert!(beta[0].abs() < 1e-6, "{beta:?}");
        let at_zero = penalised_loss(&rows, &[0.0], 0.0);
        assert!((penalised_loss(&rows, &beta, 0.0) - at_zero).abs() < 1e-9);
    }

    #[test]
    fn newton_reports_what_does_not_converge() {
        let rows = vec![(vec![1.0, 0.3], 1.0, 1.0), (vec![1.0, -0.2], 0.0, 1.0), (vec![1.0, 0.1], 0.0, 1.0)];
        let cfg = FitConfig { max_iter: 1, ..FitConfig::default() };
        let err = newton(&rows, &[false, false], &mut [0.0, 0.0], &cfg).unwrap_err();
        assert!(err.to_string().contains("did not converge in 1 Newton steps"), "{err}");
    }

    #[test]
    fn cholesky_solves() {
        let a = vec![vec![4.0, 2.0], vec![2.0, 3.0]];
        let x = solve_spd(&a, &[2.0, 1.0]).unwrap();
        assert!((4.0 * x[0] + 2.0 * x[1] - 2.0).abs() < 1e-12);
        assert!((2.0 * x[0] + 3.0 * x[1] - 1.0).abs() < 1e-12);
    }
}
