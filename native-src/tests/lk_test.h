// A small test harness for the native unit tests (ctest runs one executable per test file).
//
//   LK_TEST(opus_round_trip) {
//     LK_REQUIRE(enc != nullptr);          // stops this test case on failure
//     LK_CHECK_EQ(n, 960);                 // records the failure and goes on
//     LK_CHECK_NEAR(snr, 30.0, 5.0);
//     LK_CHECK_GE(psnr, 38.0);
//     LK_CHECK_MSG(ok, "frame %d", i);     // printf-style context
//   }
//
// The executable runs every case (or those whose name contains argv[1]) and exits non-zero if any
// check failed. LK_NOTE prints a figure so it shows up in the ctest log (ctest --output-on-failure
// or -V).
#ifndef LK_TEST_H
#define LK_TEST_H

#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

namespace lktest {

struct Case {
  const char* name;
  void (*fn)();
};

inline std::vector<Case>& registry() {
  static std::vector<Case> cases;
  return cases;
}

struct Registrar {
  Registrar(const char* name, void (*fn)()) { registry().push_back({name, fn}); }
};

struct State {
  int failedChecks = 0;
  bool currentFailed = false;
};

inline State& state() {
  static State s;
  return s;
}

struct RequireFailed {};

inline void fail(const char* file, int line, const std::string& what) {
  std::fprintf(stderr, "  FAILED %s:%d: %s\n", file, line, what.c_str());
  state().failedChecks++;
  state().currentFailed = true;
}

template <typename A, typename B>
std::string describe(const char* op, const char* ea, const char* eb, const A& a, const B& b) {
  std::ostringstream os;
  os << ea << " " << op << " " << eb << " (" << a << " vs " << b << ")";
  return os.str();
}

template <typename... Args>
std::string format(const char* fmt, Args... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}
inline std::string format(const char* fmt) { return fmt; }

}  // namespace lktest

#define LK_TEST(name)                                                        \
  static void lk_test_fn_##name();                                           \
  static ::lktest::Registrar lk_test_reg_##name(#name, &lk_test_fn_##name);  \
  static void lk_test_fn_##name()

#define LK_CHECK(cond)                                                \
  do {                                                                \
    if (!(cond)) ::lktest::fail(__FILE__, __LINE__, "check " #cond);  \
  } while (0)

#define LK_CHECK_MSG(cond, ...)                                                            \
  do {                                                                                     \
    if (!(cond))                                                                           \
      ::lktest::fail(__FILE__, __LINE__, std::string("check " #cond ": ") +                \
                                             ::lktest::format(__VA_ARGS__));               \
  } while (0)

#define LK_REQUIRE(cond)                                                  \
  do {                                                                    \
    if (!(cond)) {                                                        \
      ::lktest::fail(__FILE__, __LINE__, "requirement " #cond);           \
      throw ::lktest::RequireFailed{};                                    \
    }                                                                     \
  } while (0)

#define LK_CHECK_OP_(op, a, b)                                                              \
  do {                                                                                      \
    const auto& lk_a_ = (a);                                                                \
    const auto& lk_b_ = (b);                                                                \
    if (!(lk_a_ op lk_b_))                                                                  \
      ::lktest::fail(__FILE__, __LINE__, ::lktest::describe(#op, #a, #b, lk_a_, lk_b_));    \
  } while (0)

#define LK_CHECK_EQ(a, b) LK_CHECK_OP_(==, a, b)
#define LK_CHECK_NE(a, b) LK_CHECK_OP_(!=, a, b)
#define LK_CHECK_LT(a, b) LK_CHECK_OP_(<, a, b)
#define LK_CHECK_LE(a, b) LK_CHECK_OP_(<=, a, b)
#define LK_CHECK_GT(a, b) LK_CHECK_OP_(>, a, b)
#define LK_CHECK_GE(a, b) LK_CHECK_OP_(>=, a, b)

#define LK_CHECK_NEAR(a, b, tol)                                                           \
  do {                                                                                     \
    const double lk_a_ = (a), lk_b_ = (b), lk_t_ = (tol);                                  \
    if (!(std::fabs(lk_a_ - lk_b_) <= lk_t_))                                              \
      ::lktest::fail(__FILE__, __LINE__,                                                   \
                     ::lktest::describe("~=", #a, #b, lk_a_, lk_b_) + " tolerance " +      \
                         std::to_string(lk_t_));                                           \
  } while (0)

#define LK_NOTE(...) std::printf("  note: %s\n", ::lktest::format(__VA_ARGS__).c_str())

#endif  // LK_TEST_H
