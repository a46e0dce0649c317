// The data sources a GDAL virtual dataset (VRT) names. A VRT is a small XML file that GDAL opens
// in place of the files, URLs or databases it lists, so a scene may only use one whose listed
// sources it may use too (model::sourceProblem() checks them).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "twin/core/Result.h"

namespace twin::geo {

/** True when GDAL would read `source` as a VRT: a file whose name ends in ".vrt" (any case), or a
    "vrt://" connection. */
bool isVrtSource(const std::string& source);

/** Every source the VRT file `file` names, as GDAL would open it: raster <SourceFilename> (simple,
    complex, averaged and kernel sources, overviews, mask bands, raw bands) and vector
    <SrcDataSource> (also inside union and warped layers), in document order; a name marked
    relativeToVRT="1" is resolved against the VRT's folder. A "vrt://PATH?options" connection names
    PATH. Error (naming the file) when it cannot be read, is larger than 16 MiB or is not XML.
    Does not follow the listed sources: a caller checks each and recurses into those that are VRTs
    (with a depth limit: a VRT may name itself). */
core::Result<std::vector<std::string>> vrtSources(const std::string& file);

/** The same for VRT text already read; relative names resolve against `folder`; `label` names it
    in errors. */
core::Result<std::vector<std::string>> parseVrtSources(const std::string& text, const std::filesystem::path& folder,
                                                       const std::string& label);

}  // namespace twin::geo
