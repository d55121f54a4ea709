// Entry file of a preprocessing worker thread (started by PreprocessPool): serves decode +
// Pillow-exact preprocessing requests. Internal.
import { servePreprocessRequests } from './preprocess-worker-protocol';

servePreprocessRequests();
