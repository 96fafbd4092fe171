// main() of every lk_add_test executable: runs the registered LK_TEST cases.
#include "lk_test.h"

#include <cstring>
#include <exception>

int main(int argc, char** argv) {
  const char* filter = argc > 1 ? argv[1] : nullptr;
  int run = 0, failedCases = 0;
  for (const auto& c : lktest::registry()) {
    if (filter && !std::strstr(c.name, filter)) continue;
    run++;
    lktest::state().currentFailed = false;
    std::printf("[ RUN  ] %s\n", c.name);
    std::fflush(stdout);
    try {
      c.fn();
    } catch (const lktest::RequireFailed&) {
      // already reported
    } catch (const std::exception& e) {
      lktest::fail(__FILE__, __LINE__, std::string("unexpected exception: ") + e.what());
    }
    if (lktest::state().currentFailed) failedCases++;
    std::printf("[ %s ] %s\n", lktest::state().currentFailed ? "FAIL" : " OK ", c.name);
    std::fflush(stdout);
  }
  std::printf("%d case(s) run, %d failed\n", run, failedCases);
  if (run == 0) {
    std::fprintf(stderr, "no test case matched\n");
    return 2;
  }
  return failedCases == 0 ? 0 : 1;
}
