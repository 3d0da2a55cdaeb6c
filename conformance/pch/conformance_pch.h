// Precompiled for the conformance suite when -Dpch=true (conformance/
// meson.build): GoogleTest and GMock are most of what each test file
// costs to compile (about two thirds at -O0 with the aarch64 cross
// compiler), and ci/arch-matrix compiles every file once per architecture.
// Only headers every file may see; nothing of procsig's own.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>
