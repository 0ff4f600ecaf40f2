"""A variational autoencoder on scikit-learn's 8x8 digits, then sampling.

Run: python examples/vae_digits.py [--quick] [--out DIR]

The encoder maps an image to a Gaussian over an 8-dimensional latent space;
the decoder maps a latent point to Bernoulli pixel probabilities. Training
minimises the negative evidence lower bound (reconstruction cross-entropy plus
the KL divergence to the standard normal prior), with the reparametrisation
trick for the gradient. Prints the bound on held-out images and writes the
training curve to `vae_digits.png` and decoded prior samples to
`vae_digits_samples.png`.
"""

import _optim
import jax
import jax.numpy as jnp
import numpy as np
import optax
from _data import split_digits
from _options import parse_options
from _plots import save_curves, save_image_grid
from _progress import Progress
from jaxtyping import Array, Float, PRNGKeyArray

import equinox as eqx

LATENT = 8
HIDDEN = 128
BATCH_SIZE = 128


class VAE(eqx.Module):
    encoder: eqx.nn.MLP
    decoder: eqx.nn.MLP

    def __init__(self, *, key: PRNGKeyArray) -> None:
        encoder_key, decoder_key = jax.random.split(key)
        self.encoder = eqx.nn.MLP(64, 2 * LATENT, HIDDEN, depth=2, key=encoder_key)
        self.decoder = eqx.nn.MLP(LATENT, 64, HIDDEN, depth=2, key=decoder_key)

    def encode(
        self, image: Float[Array, "64"]
    ) -> tuple[Float[Array, " latent"], Float[Array, " latent"]]:
        """Mean and log-variance of the approximate posterior."""
        statistics = self.encoder(image)
        return statistics[:LATENT], statistics[LATENT:]

    def decode(self, z: Float[Array, " latent"]) -> Float[Array, "64"]:
        """Pixel logits."""
        return self.decoder(z)

    def negative_elbo(
        self, image: Float[Array, "64"], key: PRNGKeyArray
    ) -> Float[Array, ""]:
        """A one-sample estimate of -ELBO for one image, in nats."""
        mean, log_var = self.encode(image)
        z = mean + jnp.exp(0.5 * log_var) * jax.random.normal(key, mean.shape)
        logits = self.decode(z)
        reconstruction = jnp.sum(optax.sigmoid_binary_cross_entropy(logits, image))
        kl = 0.5 * jnp.sum(jnp.exp(log_var) + mean**2 - 1.0 - log_var)
        return reconstruction + kl


def loss_fn(
    model: VAE, images: Float[Array, "batch 64"], key: PRNGKeyArray
) -> Float[Array, ""]:
    keys = jax.random.split(key, images.shape[0])
    return jnp.mean(jax.vmap(model.negative_elbo)(images, keys))


@eqx.filter_jit
def train_step(
    model: VAE,
    opt_state: optax.OptState,
    optimiser: optax.GradientTransformation,
    images: Float[Array, "batch 64"],
    key: PRNGKeyArray,
) -> tuple[VAE, optax.OptState, Float[Array, ""]]:
    loss, grads = eqx.filter_value_and_grad(loss_fn)(model, images, key)
    model, opt_state = _optim.update(optimiser, model, grads, opt_state)
    return model, opt_state, loss


@eqx.filter_jit
def sample(model: VAE, key: PRNGKeyArray, count: int) -> Float[Array, "count 8 8"]:
    """Pixel probabilities decoded from points drawn from the prior."""
    z = jax.random.normal(key, (count, LATENT))
    return jax.nn.sigmoid(jax.vmap(model.decode)(z)).reshape(count, 8, 8)


def main() -> None:
    options = parse_options(__doc__ or "")
    steps, target = (300, 36.0) if options.quick else (3000, 28.0)
    images_train, _, images_test, _ = split_digits()
    x_train = jnp.asarray(images_train.reshape(-1, 64))
    x_test = jnp.asarray(images_test.reshape(-1, 64))
    model_key, train_key, test_key, sample_key = jax.random.split(jax.random.key(0), 4)
    model = VAE(key=model_key)
    optimiser = optax.adam(optax.cosine_decay_schedule(3e-3, steps))
    opt_state = _optim.init(optimiser, model)
    rng = np.random.default_rng(0)
    losses: list[float] = []
    progress = Progress(steps, desc="train")
    for step in progress:
        index = rng.choice(len(x_train), BATCH_SIZE, replace=False)
        step_key = jax.random.fold_in(train_key, step)
        model, opt_state, loss = train_step(
            model, opt_state, optimiser, x_train[index], step_key
        )
        losses.append(float(loss))
        progress.report(loss=losses[-1])
    save_curves(
        options.png("vae_digits.png"),
        {"-ELBO (nats per image)": losses},
        title="VAE on the digits",
    )
    save_image_grid(
        options.png("vae_digits_samples.png"),
        np.asarray(sample(model, sample_key, 40)),
        title="Samples from the prior",
        columns=10,
    )
    test_bound = float(eqx.filter_jit(loss_fn)(model, x_test, test_key))
    print(f"test -ELBO {test_bound:.2f} nats per image")
    if test_bound > target:
        raise SystemExit(f"-ELBO {test_bound:.2f} is above the {target} target")


if __name__ == "__main__":
    main()
