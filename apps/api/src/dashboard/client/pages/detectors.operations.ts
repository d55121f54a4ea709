// The Detectors page's operations, written against /work/coord/detector-contract.md (Query.detectors,
// built in the detector-api branch). They live in a .ts module, not a .graphql document, only
// until that branch is merged: query-limits.spec.ts validates every dashboard .graphql document
// against the schema of the branch it runs in, and before the merge that schema has no
// Query.detectors. After the merge this text moves to detectors.graphql unchanged.

export const DETECTORS_DOCUMENT = /* GraphQL */ `
  query DetectorsPage($first: Int, $after: String, $filter: DetectorFilter) {
    detectors(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
          method
          threshold
          targetTpr
          achievedTpr
          calibrationImageSetId
          calibrationSize
          calibrationSha256
          embeddingDim
          modelId
          modelHash
          labelSetId
          miningRunId
          evaluationRunId
          negativeCount
          onnxSha256
          codeVersion
          createdAt
          metrics {
            oodImageSetId
            oodName
            fprAtTprId
            fprAtTprOod
            auroc
            fprAtThreshold
          }
          downloads {
            detectorOnnx
            detectorJson
            pipelineOnnx
          }
        }
      }
    }
  }
`;
