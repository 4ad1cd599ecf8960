"""The whole system offline: local DynamoDB (moto), cargo-lambda's function URL
emulator, and the built bootstraps (arm64 under qemu-aarch64)."""
