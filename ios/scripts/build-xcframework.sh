#!/usr/bin/env bash
# Builds LianjianFFI.xcframework (device, simulator arm64 + x86_64) from
# lianjian-ffi and generates the Swift bindings into Sources/LianjianCore.
# Runs on macOS with Xcode and rustup targets:
#   rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios
set -euo pipefail
IOS="$(cd "$(dirname "$0")/.." && pwd)"
ROOT="$(cd "$IOS/.." && pwd)"
cd "$ROOT"
for t in aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios; do
    cargo build --release --locked -p lianjian-ffi --target "$t"
done
cargo build --locked -p lianjian-ffi -p uniffi-bindgen
GEN="$IOS/build/generated"
rm -rf "$GEN" "$IOS/build/LianjianFFI.xcframework"
target/debug/uniffi-bindgen generate target/debug/liblianjian_ffi.dylib --no-format --language swift --out-dir "$GEN"
mkdir -p "$GEN/include"
cp "$GEN/LianjianFFI.h" "$GEN/include/"
cp "$GEN/LianjianFFI.modulemap" "$GEN/include/module.modulemap"
mkdir -p "$IOS/build/sim"
lipo -create target/aarch64-apple-ios-sim/release/liblianjian_ffi.a target/x86_64-apple-ios/release/liblianjian_ffi.a \
    -output "$IOS/build/sim/liblianjian_ffi.a"
xcodebuild -create-xcframework \
    -library target/aarch64-apple-ios/release/liblianjian_ffi.a -headers "$GEN/include" \
    -library "$IOS/build/sim/liblianjian_ffi.a" -headers "$GEN/include" \
    -output "$IOS/build/LianjianFFI.xcframework"
cp "$GEN/LianjianCore.swift" "$IOS/Sources/LianjianCore/LianjianCore.swift"
echo "built $IOS/build/LianjianFFI.xcframework"
