#include "twin/analysis/PgRouting.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "twin/core/Assert.h"

namespace twin::analysis {

std::vector<PgEdge> pgRoutingEdges(const WalkGraph& graph, double speedMps) {
  TWIN_ASSERT(speedMps > 0 && std::isfinite(speedMps), "analysis::pgRoutingEdges(): speedMps must be positive");
  const double invSpeed = 1.0 / speedMps;
  std::vector<PgEdge> edges(graph.segmentCount());
  for (std::size_t s = 0; s < edges.size(); ++s) {
    const WalkSegment& seg = graph.segments()[s];
    edges[s].id = static_cast<std::int64_t>(s) + 1;
    edges[s].source = static_cast<std::int64_t>(seg.a) + 1;
    edges[s].target = static_cast<std::int64_t>(seg.b) + 1;
  }
  // Costs from the CSR edges themselves, each direction separately.
  for (NodeId u = 0; u < graph.nodeCount(); ++u)
    for (const WalkEdge* e = graph.edgesBegin(u); e != graph.edgesEnd(u); ++e) {
      const double seconds = e->costMeters * invSpeed;
      if (graph.segments()[e->segment].a == u)
        edges[e->segment].cost = seconds;
      else
        edges[e->segment].reverseCost = seconds;
    }
  return edges;
}

std::string pgRoutingCsv(const std::vector<PgEdge>& edges) {
  std::string out;
  out.reserve(edges.size() * 64);
  char line[160];
  for (const PgEdge& e : edges) {
    std::snprintf(line, sizeof line, "%lld,%lld,%lld,%.17g,%.17g\n", static_cast<long long>(e.id),
                  static_cast<long long>(e.source), static_cast<long long>(e.target), e.cost, e.reverseCost);
    out += line;
  }
  return out;
}

core::Result<std::vector<PgReached>> parsePgReached(const std::string& psqlOutput, std::size_t nodeCount) {
  std::vector<PgReached> out;
  std::istringstream in(psqlOutput);
  std::size_t lineNo = 0;
  for (std::string line; std::getline(in, line);) {
    ++lineNo;
    if (line.empty()) continue;
    const auto bar = line.find('|');
    char* end = nullptr;
    errno = 0;
    const long long id = bar == std::string::npos ? 0 : std::strtoll(line.c_str(), &end, 10);
    const bool idOk = bar != std::string::npos && end == line.c_str() + bar && errno == 0;
    const char* costText = idOk ? line.c_str() + bar + 1 : "";
    const double seconds = idOk ? std::strtod(costText, &end) : 0;
    if (!idOk || end == costText || *end != '\0' || !std::isfinite(seconds))
      return core::fail("analysis::parsePgReached(): line " + std::to_string(lineNo) +
                        ": expected 'node|agg_cost', got '" + line + "'");
    if (id < 1 || static_cast<unsigned long long>(id) > nodeCount)
      return core::fail("analysis::parsePgReached(): line " + std::to_string(lineNo) + ": node " + std::to_string(id) +
                        " is not in the graph (1.." + std::to_string(nodeCount) + ")");
    out.push_back({static_cast<NodeId>(id - 1), seconds});
  }
  return out;
}

}  // namespace twin::analysis
