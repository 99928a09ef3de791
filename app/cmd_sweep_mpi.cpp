// phylane-mpi sweep: the same sweep spread over MPI ranks. Compiled into the phylane-mpi
// executable only (PHYLANE_MPI, app/CMakeLists.txt); the default phylane needs no MPI.
//
// Rank 0 reads and validates the sweep, sends it to the workers, hands out blocks of cases on
// request (dynamic load balancing: a worker asks for more when it is done, sending its results
// with the request) and writes the one HDF5 file as results arrive. Ranks 1..N-1 evaluate their
// blocks on their own threads. Every case is computed by the same code as in a single process,
// so the file equals a --jobs 1 run's.
#ifdef PHYLANE_WITH_MPI

#include <mpi.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "app/cmd_sweep.hpp"
#include "app/common.hpp"
#include "app/progress.hpp"
#include "io/diagnostics.hpp"
#include "io/sweep.hpp"
#include "io/sweep_run.hpp"
#include "io/sweep_store.hpp"

namespace phylane::app::sweep_detail {

namespace {

constexpr int kTagSpec = 1;     // rank 0 -> workers: the sweep
constexpr int kTagResults = 2;  // worker -> rank 0: header + results of the last block (a request for more)
constexpr int kTagWork = 3;     // rank 0 -> worker: case indices (none: stop)

struct Header {
  std::uint32_t threads = 1;   // the worker's threads
  std::uint32_t leaving = 0;   // 1: the worker stops (interrupted) and wants no reply
};

void send_string(const std::string& s, int to, int tag) {
  MPI_Send(s.data(), static_cast<int>(s.size()), MPI_CHAR, to, tag, MPI_COMM_WORLD);
}

std::vector<char> recv_bytes(int from, int tag, int* source = nullptr) {
  MPI_Status st;
  MPI_Probe(from, tag, MPI_COMM_WORLD, &st);
  int n = 0;
  MPI_Get_count(&st, MPI_BYTE, &n);
  std::vector<char> buf(static_cast<std::size_t>(n));
  MPI_Recv(buf.data(), n, MPI_BYTE, st.MPI_SOURCE, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  if (source) *source = st.MPI_SOURCE;
  return buf;
}

std::string recv_string(int from, int tag) {
  const auto b = recv_bytes(from, tag);
  return std::string(b.begin(), b.end());
}

// Threads per worker rank by default: the node's cores shared among the ranks on it.
// Collective: every rank calls it.
int default_threads() {
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int local = 1;
  MPI_Comm_size(node, &local);
  MPI_Comm_free(&node);
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, hw / std::max(1, local));
}

int worker(const SweepArgs& args, int node_threads) {
  int go = 0;
  MPI_Bcast(&go, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (go != 0) return go == -1 ? 0 : go;
  const std::string text = recv_string(0, kTagSpec), source = recv_string(0, kTagSpec), dir = recv_string(0, kTagSpec),
                    base = recv_string(0, kTagSpec);
  const io::Sweep s = io::load_sweep_text(text, source, dir, base);  // checked by rank 0 already
  Header h;
  h.threads = static_cast<std::uint32_t>(args.jobs > 0 ? args.jobs : node_threads);
  std::vector<io::CaseResult> results;
  for (;;) {
    h.leaving = interrupted() ? 1 : 0;
    std::vector<char> msg(sizeof(Header));
    std::memcpy(msg.data(), &h, sizeof h);
    io::encode_results(results, msg);
    MPI_Send(msg.data(), static_cast<int>(msg.size()), MPI_BYTE, 0, kTagResults, MPI_COMM_WORLD);
    if (h.leaving) break;
    const auto work = recv_bytes(0, kTagWork);
    if (work.empty()) break;
    std::vector<std::uint64_t> cases(work.size() / sizeof(std::uint64_t));
    std::memcpy(cases.data(), work.data(), cases.size() * sizeof(std::uint64_t));
    results = io::evaluate_cases(s, cases, static_cast<int>(h.threads));
  }
  return 0;
}

int coordinator(const SweepArgs& args, int size, int (*local)(const SweepArgs&)) {
  // --case and --check need no workers.
  if (args.print_case || args.check) {
    int stop = -1;
    const int rc = local(args);
    MPI_Bcast(&stop, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return rc;
  }
  std::optional<Prepared> p;
  std::unique_ptr<io::SweepStore> store;
  std::vector<std::uint64_t> todo;
  Progress progress("sweep", args.quiet);
  const int rc = guarded([&]() -> int {
    p.emplace(prepare(args));
    if (p->resume) {
      store = io::SweepStore::open(p->file, p->sweep);
      todo = store->missing_cases();
    }
    if (!p->resume || !todo.empty()) {
      progress.stage("checking");
      io::validate_sweep(p->sweep, args.jobs, progress.callback(), todo);
      progress.finish();
    }
    throw_if_interrupted();  // nothing is created (a resumed file is left as it was)
    if (!store) {
      store = io::SweepStore::create(p->file, p->sweep);
      todo = store->missing_cases();
    }
    return 0;
  });
  int go = rc;
  MPI_Bcast(&go, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (rc != 0) return rc;
  const io::Sweep& s = p->sweep;
  for (int r = 1; r < size; ++r) {
    send_string(s.text, r, kTagSpec);
    send_string(s.source, r, kTagSpec);
    send_string(s.dir.string(), r, kTagSpec);
    send_string(s.base_text, r, kTagSpec);
  }
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t total = s.case_count();
  const std::size_t before = total - todo.size();
  progress.stage("computing", before);
  std::size_t next = 0, computed = 0;
  int active = size - 1, threads_total = 0;
  std::vector<bool> seen(static_cast<std::size_t>(size), false);
  const int result = guarded([&]() -> int {
    workflows::SweepResultBatcher batcher(io::store_sink(*store), args.flush_every_s, 4096);
    while (active > 0) {
      int flag = 0;
      MPI_Status st;
      MPI_Iprobe(MPI_ANY_SOURCE, kTagResults, MPI_COMM_WORLD, &flag, &st);
      if (!flag) {
        if (batcher.maybe_write()) progress.update(before + computed, total);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        continue;
      }
      int from = 0;
      const auto msg = recv_bytes(st.MPI_SOURCE, kTagResults, &from);
      Header h;
      std::memcpy(&h, msg.data(), sizeof h);
      auto results = io::decode_results(std::span<const char>(msg.data() + sizeof h, msg.size() - sizeof h));
      computed += results.size();
      for (auto& r : results) batcher.add(std::move(r));
      if (!seen[static_cast<std::size_t>(from)]) {
        seen[static_cast<std::size_t>(from)] = true;
        threads_total += static_cast<int>(h.threads);
      }
      if (h.leaving) {
        --active;
        continue;
      }
      // Blocks shrink as the sweep ends so that the ranks finish together.
      const std::size_t left = todo.size() - next;
      const std::size_t per = std::max<std::size_t>(h.threads, std::min<std::size_t>(16 * h.threads, left / (4 * static_cast<std::size_t>(size - 1)) + 1));
      const std::size_t n = interrupted() ? 0 : std::min(left, per);
      MPI_Send(todo.data() + next, static_cast<int>(n * sizeof(std::uint64_t)), MPI_BYTE, from, kTagWork, MPI_COMM_WORLD);
      next += n;
      if (n == 0) --active;
      if (batcher.maybe_write()) progress.update(before + computed, total);
    }
    batcher.write_all();
    progress.update(before + computed, total);
    progress.finish();
    const std::size_t done = store->done_count(), failed = store->failed_count();
    store->close();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return report(*p, total, done, failed, computed, secs, threads_total, computed < todo.size());
  });
  // A failure of rank 0 (e.g. the file cannot be written) with workers still waiting for work:
  // end the job (the file keeps every batch written before).
  if (active > 0) MPI_Abort(MPI_COMM_WORLD, result ? result : 1);
  return result;
}

}  // namespace

int run_sweep_mpi(const SweepArgs& args, int (*local)(const SweepArgs&)) {
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  install_interrupt_handler();  // MPI_Init may install signal handlers of its own: ours again after it
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int rc = 0;
  if (size == 1) {
    rc = local(args);
  } else {
    const int node_threads = default_threads();
    rc = rank == 0 ? coordinator(args, size, local) : worker(args, node_threads);
  }
  MPI_Finalize();
  return rc;
}

}  // namespace phylane::app::sweep_detail

#endif  // PHYLANE_WITH_MPI
