// main() for fuzz targets in builds without libFuzzer: feeds every file of the directories (or files)
// given on the command line, then 2000 pseudo-random inputs from a fixed seed, to
// LLVMFuzzerTestOneInput. A crash or sanitizer report fails the ctest run.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {
void runFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
}
}  // namespace

int main(int argc, char** argv) {
  int files = 0;
  for (int i = 1; i < argc; i++) {
    std::filesystem::path p(argv[i]);
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::directory_iterator(p)) {
        if (e.is_regular_file()) { runFile(e.path()); files++; }
      }
    } else if (std::filesystem::is_regular_file(p)) {
      runFile(p);
      files++;
    }
  }
  std::mt19937 rng(0x1c3e5);
  std::vector<uint8_t> buf;
  for (int i = 0; i < 2000; i++) {
    size_t n = rng() % (i < 1000 ? 64 : 4096);
    buf.resize(n);
    for (auto& b : buf) b = static_cast<uint8_t>(rng());
    LLVMFuzzerTestOneInput(buf.data(), buf.size());
  }
  std::printf("replayed %d corpus file(s) and 2000 random inputs\n", files);
  return 0;
}
