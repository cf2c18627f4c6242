// uPlot 1.6.32: types from the npm package.
import uPlot from 'uplot';
export default uPlot;
