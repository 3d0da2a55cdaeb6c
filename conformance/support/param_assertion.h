// Parameterised conformance assertions: one body, many instances, each
// instance with a literal ID of its own.
//
//   PROCSIG_PARAM_TEST(SignalDefault, Terminates, "XSH 2.4.3 Signal Actions",
//                      "the default action terminates the process", int sig) {
//     ...gtest assertions using sig...
//   }
//   PROCSIG_INSTANCE(SignalDefault, Terminates, SIGHUP, "SIGDEFAULT.TERMINATES.SIGHUP", SIGHUP)
//
// Each PROCSIG_INSTANCE is a gtest test Suite.Name_Instance that runs the
// body with the arguments after the ID, under RunAssertion like any
// PROCSIG_TEST (properties, expectations). The ID is written out per
// instance on purpose: reports are diffed by ID and a grep for an ID must
// find the line that declares it. gen_assertions.py reads both macros (keep
// the first four arguments of PROCSIG_INSTANCE identifiers and literals).
//
// PROCSIG_PARAM_CHARACTERISE is the characterisation form.
#pragma once

#include "assertion.h"

#define PROCSIG_PARAM_IMPL_(suite, name, clause, description, characterisation, ...) \
  struct suite##_##name##_ProcsigParam : ::procsig::test::ConformanceTest {          \
    static constexpr const char* kClause = clause;                                   \
    static constexpr const char* kDescription = description;                         \
    static constexpr bool kCharacterisation = characterisation;                      \
    static void Body(__VA_ARGS__);                                                   \
  };                                                                                 \
  /* NOLINTNEXTLINE(bugprone-macro-parentheses): suite names a type */               \
  using suite = ::procsig::test::ConformanceTest;                                    \
  void suite##_##name##_ProcsigParam::Body(__VA_ARGS__)

#define PROCSIG_PARAM_TEST(suite, name, clause, description, ...) \
  PROCSIG_PARAM_IMPL_(suite, name, clause, description, false, __VA_ARGS__)

#define PROCSIG_PARAM_CHARACTERISE(suite, name, clause, description, ...) \
  PROCSIG_PARAM_IMPL_(suite, name, clause, description, true, __VA_ARGS__)

#define PROCSIG_INSTANCE(suite, name, instance, id, ...)                                 \
  TEST_F(suite, name##_##instance) {                                                     \
    using Param = suite##_##name##_ProcsigParam;                                         \
    RunAssertion(::procsig::test::AssertionInfo{id, Param::kClause, Param::kDescription, \
                                                Param::kCharacterisation},               \
                 [] { Param::Body(__VA_ARGS__); });                                      \
  }
